"""Progress: which lessons each learner has read, and what that means for the course."""

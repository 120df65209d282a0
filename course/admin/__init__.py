"""Admin pages: learners and their progress, content problems."""

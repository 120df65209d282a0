"""Programme reports (funnel, quiz results, certificates) and item analysis (issue 13)."""

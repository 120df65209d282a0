"""Course content: Markdown modules, lessons, pages and job aids read from files."""

"""Community pages, one module per concern: a member's landing pages and the programme team's overview
(home), groups, their meetings, mentors, post-CCT opportunities and career outcomes. urls.py imports the
modules; nothing is re-exported here."""

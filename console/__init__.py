"""The centre console: a web page on the volunteer desk (help requests, lessons, usage)."""

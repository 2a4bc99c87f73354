# Hong Kong English writes the day first; the month as a word is unambiguous for every reader.
DATE_FORMAT = "j M Y"  # 5 Sep 2026
SHORT_DATE_FORMAT = "j M Y"
DATETIME_FORMAT = "j M Y H:i"  # 5 Sep 2026 20:45
SHORT_DATETIME_FORMAT = "j M Y H:i"
YEAR_MONTH_FORMAT = "M Y"  # Sep 2026

# As Django's own zh_Hant formats, stated here so that both languages are read in one place.
DATE_FORMAT = "Y年n月j日"  # 2026年9月5日
SHORT_DATE_FORMAT = "Y年n月j日"
DATETIME_FORMAT = "Y年n月j日 H:i"  # 2026年9月5日 20:45
SHORT_DATETIME_FORMAT = "Y年n月j日 H:i"
YEAR_MONTH_FORMAT = "Y年n月"  # 2026年9月

# Spanish: day before month, 24-hour clock, weeks start on Monday (month and day names
# come from Django's Spanish translation when Spanish is the active language).
DATE_FORMAT = r"j \d\e F \d\e Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = r"j \d\e F \d\e Y, H:i"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
MONTH_DAY_FORMAT = r"j \d\e F"
YEAR_MONTH_FORMAT = r"F \d\e Y"
FIRST_DAY_OF_WEEK = 1

CLOCK_FORMAT = "H:i"  # 14:30
CLOCK_SECONDS_FORMAT = "H:i:s"  # 14:30:05
HOUR_FORMAT = "H:i"  # 09:00, for the diary's hour lines
WEEKDAY_FORMAT = "l"  # lunes
DAY_MONTH_FORMAT = "j b"  # 5 ene
DAY_MONTH_LONG_FORMAT = r"j \d\e F"  # 5 de enero
DATE_MEDIUM_FORMAT = "j b Y"  # 5 ene 2026
DATE_LONG_FORMAT = r"j \d\e F \d\e Y"  # 5 de enero de 2026
DAY_SHORT_FORMAT = "D j b"  # lun 5 ene
DAY_SHORT_YEAR_FORMAT = "D j b Y"  # lun 5 ene 2026
DAY_LONG_FORMAT = r"l j \d\e F"  # lunes 5 de enero
DAY_LONG_YEAR_FORMAT = r"l j \d\e F \d\e Y"  # lunes 5 de enero de 2026
DAY_MONTH_CLOCK_FORMAT = "j b, H:i"  # 5 ene, 14:30
DAY_SHORT_CLOCK_FORMAT = "D j b, H:i"  # lun 5 ene, 14:30
DAY_SHORT_YEAR_CLOCK_FORMAT = "D j b Y, H:i"  # lun 5 ene 2026, 14:30
DAY_LONG_YEAR_CLOCK_FORMAT = r"l j \d\e F \d\e Y, H:i"  # lunes 5 de enero de 2026, 14:30
DATE_MEDIUM_CLOCK_FORMAT = "j b Y, H:i"  # 5 ene 2026, 14:30
DATE_MEDIUM_SECONDS_FORMAT = "j b Y, H:i:s"  # 5 ene 2026, 14:30:05
DATE_LONG_CLOCK_FORMAT = r"j \d\e F \d\e Y, H:i"  # 5 de enero de 2026, 14:30
DATE_LONG_SECONDS_FORMAT = r"j \d\e F \d\e Y, H:i:s"  # 5 de enero de 2026, 14:30:05
DATE_LONG_SECONDS_ZONE_FORMAT = r"j \d\e F \d\e Y, H:i:s T"  # 5 de enero de 2026, 14:30:05 GMT

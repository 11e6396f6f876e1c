from datetime import date, datetime, timedelta, timezone
import calendar
import time

d = date(2024, 2, 28)
print(d + timedelta(days=1), d + timedelta(days=2), d.isoformat(), d.weekday(), d.strftime("%A %d %B %Y"))
dt = datetime(2023, 12, 31, 23, 59, 30, tzinfo=timezone.utc)
print(dt + timedelta(seconds=45), dt.timestamp(), dt.astimezone(timezone(timedelta(hours=5, minutes=30))))
print(datetime.strptime("2021-07-04 12:30", "%Y-%m-%d %H:%M"), datetime.fromisoformat("2020-01-01T10:00:00+02:00"))
print((date(2024, 12, 25) - date(2024, 1, 1)).days, timedelta(days=1, hours=25, minutes=61))
print(calendar.month(2024, 2))
print(calendar.isleap(2100), int(calendar.weekday(2000, 1, 1)), list(calendar.Calendar().itermonthdays(2024, 2))[:10])
print(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(86400 * 365)), time.gmtime(0).tm_year)

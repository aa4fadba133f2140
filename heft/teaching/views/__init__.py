"""The teaching pages, a module for each part: the public timetable, sessions, planning, registers, a
trainee's own pages, release notices and attendance. urls.py names each view by its module."""

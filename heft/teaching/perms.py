"""Who may use the teaching pages and read its sessions: those who attend, run, plan or follow attendance."""

from heft.accounts.permissions import Perm

TEACHING_PERMS = (Perm.ATTEND_SESSIONS, Perm.RUN_SESSIONS, Perm.PLAN_TIMETABLE, Perm.VIEW_ATTENDANCE)

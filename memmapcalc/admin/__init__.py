"""The admin's words: a verified fix (:mod:`memmapcalc.records.fixes`) as the commands and
settings an admin types on the machine's platform, boot loader and kernel era.  Pure
text from data; no I/O.  Entry point: :func:`memmapcalc.admin.commands.commands`."""

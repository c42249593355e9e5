"""Sign-in links are not shown in the admin: they are short-lived secrets, and the table
holds only their hashes. The clients' change-notice period is with the booking rules
(scheduling's BookingPolicy)."""

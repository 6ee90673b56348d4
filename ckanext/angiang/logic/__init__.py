"""Actions, auth functions, validators and schemas (all names ``angiang_``)."""

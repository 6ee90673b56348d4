"""Local accounts of citizens and businesses (issue 14, item 3; Art. 3.4 and
7.5: organisations and individuals register accounts): the password policy,
e-mail confirmation of a self-registration, API tokens with a bounded expiry.
Password reset by e-mail is CKAN's own (``/user/reset``)."""

"""E-mail through an outbox: messages written with the change that caused them, sent by a worker."""

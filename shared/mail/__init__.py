"""Follow-up replies: the outbox (outbox), the words and the email (render, templates/), how mail
leaves (transports), the sender run (sender), and unsubscribe links (unsubscribe)."""

"""Files written from what the read side kept, for staff to take away: a conversation as .md or .docx."""

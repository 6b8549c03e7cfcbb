"""Response texts in three languages, the conversation's language, short labels."""

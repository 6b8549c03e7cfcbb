"""Evidence: photos, voice notes and PDFs a citizen sends, attached to her ticket."""

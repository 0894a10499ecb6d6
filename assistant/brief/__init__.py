"""简报 drafts: sections written from cited facts and quotes, charts, and .docx/.md output."""

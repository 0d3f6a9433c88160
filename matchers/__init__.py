"""Text → facts (文号, dates, titles, kinds, keywords) and facts → sub-item matches."""

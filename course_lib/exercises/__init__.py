"""The chapters' exercises, one module per chapter topic, each checked by ``course_lib.checks``."""

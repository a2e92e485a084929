"""Pure exchange rules: identity decisions, consent, brute-force limits. No I/O."""

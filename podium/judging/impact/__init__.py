"""Impact dashboards: what became of a competition's projects (funnel, money raised, whether the judging
predicted it), across the editions of a summit series, and the public impact page of a summit."""

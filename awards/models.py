# Award cycles, scoring and certificates arrive with issue #3.

/**
 * Artifact templates. Placeholders (YYYY-MM-DD, TODO) mark a copy that has not been filled in;
 * gates refuse such a copy, so a template can never pass as the real document.
 */

export const ADR_TEMPLATE = `---
title: "TODO: the decision in a few words"
status: proposed # proposed | accepted | superseded
date: YYYY-MM-DD
deciders: [TODO]
---

# ADR-NNNN: TODO title

## Context

TODO: the forces at play, the constraints and what prompted the decision.

## Decision

TODO: what we decided, and the options we rejected.

## Consequences

TODO: what becomes easier or harder, and follow-up work.
`

export const RFC_TEMPLATE = `---
title: "TODO: the proposal"
status: draft # draft | review | accepted | rejected
date: YYYY-MM-DD
authors: [TODO]
reviewers: [TODO]
---

# RFC-NNNN: TODO title

## Summary

TODO: one paragraph.

## Motivation

TODO: the problem and who has it.

## Design

TODO: the proposal in enough detail to build it.

## Alternatives

TODO: what else was considered.

## Risks and open questions

TODO
`

export const THREAT_MODEL_TEMPLATE = `---
title: "TODO: system or change"
status: draft # draft | reviewed
date: YYYY-MM-DD
owner: TODO
---

# Threat model: TODO

## Assets and trust boundaries

TODO

## Threats (STRIDE)

| Threat | Category | Likelihood | Impact | Mitigation |
| --- | --- | --- | --- | --- |
| TODO | TODO | TODO | TODO | TODO |

## Residual risk

TODO
`

export const RUN_PLAN_TEMPLATE = `---
title: "TODO: release or change"
status: draft # draft | approved
date: YYYY-MM-DD
owner: TODO
---

# Run plan: TODO

## Rollout

TODO: stages (canary weights), how long each is held, what is watched.

## Rollback

TODO: the command or procedure, and who may run it.

## Checks

TODO: health checks and metrics that decide promotion.
`

export const POSTMORTEM_TEMPLATE = `---
title: "TODO: incident"
status: draft # draft | published
date: YYYY-MM-DD
severity: TODO
---

# Postmortem: TODO

## Impact

TODO

## Timeline

TODO

## Root cause

TODO

## What we change

TODO: actions with owners and dates.
`

/** Whether text is the first ADR as init wrote it on some day. */
export function isFirstAdr(text: string): boolean {
  const m = /^date: (\d{4}-\d{2}-\d{2})$/m.exec(text)
  return m !== null && firstAdr(m[1]) === text
}

/** The first real ADR: adopting flow-actions itself, filled in, so the design gate has one. */
export function firstAdr(date: string): string {
  return `---
title: "Describe the delivery process as code with flow-actions"
status: accepted
date: ${date}
deciders: [maintainers]
---

# ADR-0001: Describe the delivery process as code with flow-actions

## Context

Our process lived in documents nobody checked. Gates were checked by hand, and thresholds were
remembered, not enforced.

## Decision

We keep the process in .process/graph.yaml and let flow-actions validate it, check its gates on
every pull request against real evidence (test results, coverage), and propose tighter thresholds
every week from the history of runs.

## Consequences

Missing or stale evidence fails a gate. Exceptions are waivers with an approver and an expiry date
in .process/waivers.yaml. Thresholds only move up, through reviewed pull requests.
`
}

// What a probe reports: a conclusion in one line and the requests and answers it rests on, so a reader
// can check each claim the written profile makes.
import type { Capability } from '../load/load-target.js';

export interface Finding {
  /** What was looked for: "spec versions", "registration", "rate limit", ... */
  topic: string;
  /** What was concluded, in one line. */
  conclusion: string;
  /** The exchanges it rests on ("GET /_matrix/client/versions → 200 {...}"). */
  evidence: string[];
}

/** A capability the probe looked for: claimed only when the behaviour was seen. */
export interface CapabilityFinding extends Finding {
  capability: Capability;
  claimed: boolean;
}

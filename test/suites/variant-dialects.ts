// Which dialects a variant of the mock applies to (mock-server/variants.ts `dialects`), for the variant
// proof's worker and its test alike (the test must not import the worker, which runs on import).
import { VARIANTS, type VariantSpec } from '../../mock-server/variants.js';

/** Whether a variant's freedom is one the target's spec text gives. */
export function appliesTo(variant: string, profile: { spec_version: string }): boolean {
  const dialects = (VARIANTS[variant as keyof typeof VARIANTS] as VariantSpec).dialects;
  return !dialects || dialects.includes(profile.spec_version as 'v1.19');
}

// Writes the canonical report (schemas/report.schema.json) as JSON when the run ends, whole or not at
// all (project/atomic-write.ts).
import { writeFileAtomic } from '../project/atomic-write.js';
import type { Report, RunListener } from '../project/report.js';

export class JsonReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(report, null, 2)}\n`);
  }
}

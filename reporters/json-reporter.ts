// Writes the canonical report (schemas/report.schema.json) as JSON when the run ends.
import { writeFile } from 'node:fs/promises';
import type { Report, RunListener } from '../project/report.js';

export class JsonReporter implements RunListener {
  constructor(private readonly file: string) {}

  async onRunEnd(report: Report): Promise<void> {
    await writeFile(this.file, `${JSON.stringify(report, null, 2)}\n`);
  }
}

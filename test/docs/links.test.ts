// Every relative link of the documentation leads somewhere: the file exists, and an anchor names a
// heading of that file (as GitHub anchors it), so moving a section cannot leave a link behind.
import { existsSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { expect } from 'chai';
import { projectRoot } from '../../project/paths.js';
import { documentationFiles, headings, readDoc, relativeLinks, slug } from './markdown.js';

describe('documentation links', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('Writing a profile: `profile init`')).to.equal('writing-a-profile-profile-init');
    expect(slug("Dendrite's timers are constants")).to.equal('dendrites-timers-are-constants');
    expect(slug('Shards, comparisons and saved reports: `report`')).to.equal('shards-comparisons-and-saved-reports-report');
  });

  for (const file of documentationFiles()) {
    it(`${file}: every relative link points to an existing file and heading`, () => {
      const broken: string[] = [];
      for (const link of relativeLinks(readDoc(file))) {
        const [path = '', anchor] = link.target.split('#');
        const target = path === '' ? file : normalize(join(dirname(file), path));
        if (!existsSync(join(projectRoot, target))) {
          broken.push(`${file}:${link.line}: ${link.target}: no file ${target}`);
          continue;
        }
        if (anchor === undefined || !target.endsWith('.md')) continue;
        if (!headings(readDoc(target)).some((h) => h.anchor === anchor))
          broken.push(`${file}:${link.line}: ${link.target}: no heading #${anchor} in ${target}`);
      }
      expect(broken).to.deep.equal([]);
    });
  }
});

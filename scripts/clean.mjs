// Removes build output before a build, so a source file deleted since the last build cannot leave
// its compiled twin in dist and be published with the package.
import { rmSync } from 'node:fs';

for (const dir of process.argv.slice(2)) rmSync(dir, { recursive: true, force: true });

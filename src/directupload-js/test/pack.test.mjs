// The package as it ships: `npm pack` holds exactly the module, its types, README and package.json, with the version
// of the .NET packages; and `dotnet pack` of DirectUpload.AspNetCore carries the same module as a static web asset
// (/_content/DirectUpload.AspNetCore/directupload.js). Needs the Release build (eng/test.sh builds first).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const repo = path.resolve(root, '..', '..');
const out = mkdtempSync(path.join(os.tmpdir(), 'directupload-js-pack-'));
const dotnetVersion = /<VersionPrefix>([^<]+)<\/VersionPrefix>/.exec(readFileSync(path.join(repo, 'Directory.Build.props'), 'utf8'))?.[1];

/** The entry names of a zip file (a .nupkg), from its central directory. */
function zipEntries(file) {
  const zip = readFileSync(file);
  let end = zip.length - 22;
  while (end >= 0 && zip.readUInt32LE(end) !== 0x06054b50) end--;
  assert.ok(end >= 0, `${file} is a zip`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  const names = [];
  for (let i = 0; i < count; i++) {
    assert.equal(zip.readUInt32LE(at), 0x02014b50);
    const nameLength = zip.readUInt16LE(at + 28);
    names.push(zip.toString('utf8', at + 46, at + 46 + nameLength));
    at += 46 + nameLength + zip.readUInt16LE(at + 30) + zip.readUInt16LE(at + 32);
  }
  return names;
}

describe('packages', () => {
  after(() => rmSync(out, { recursive: true, force: true }));

  test('npm pack: the tarball holds the module, its types and README, at the .NET packages\' version', () => {
    const [info] = JSON.parse(execFileSync('npm', ['pack', '--json', '--pack-destination', out], { cwd: root, encoding: 'utf8' }));
    assert.deepEqual(info.files.map((f) => f.path).sort(), ['README.md', 'directupload.d.ts', 'directupload.js', 'package.json']);
    assert.equal(info.version, dotnetVersion, 'version in step with Directory.Build.props');
    const listing = execFileSync('tar', ['-tzf', path.join(out, info.filename)], { encoding: 'utf8' }).trim().split('\n');
    assert.ok(listing.includes('package/directupload.js'), listing.join(', '));
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
    assert.equal(pkg.type, 'module');
    assert.deepEqual(pkg.exports['.'], { types: './directupload.d.ts', default: './directupload.js' });
  });

  test('dotnet pack: DirectUpload.AspNetCore carries the same directupload.js as a static web asset', () => {
    execFileSync('dotnet', ['pack', path.join(repo, 'src', 'DirectUpload.AspNetCore', 'DirectUpload.AspNetCore.csproj'),
      '-c', 'Release', '--no-build', '-o', out, '-p:IncludeSymbols=false'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DOTNET_NOLOGO: '1', DOTNET_CLI_TELEMETRY_OPTOUT: '1' } });
    const nupkg = path.join(out, `DirectUpload.AspNetCore.${dotnetVersion}.nupkg`);
    const entries = zipEntries(nupkg);
    assert.ok(entries.includes('staticwebassets/directupload.js'), `the package holds staticwebassets/directupload.js (${entries.join(', ')})`);
    assert.ok(entries.some((e) => e.startsWith('build/') && e.endsWith('.props')), 'with the props that serve it under _content/DirectUpload.AspNetCore');
  });
});

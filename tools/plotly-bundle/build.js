'use strict';
// Build wattelt/static/vendor/plotly/: the minified bundle, plotly.js's own stylesheet (so the
// library never has to inject a <style> element, which our Content-Security-Policy refuses) and
// the licences of every package that ends up in the bundle. Run: npm ci && npm run build
const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');

const root = path.resolve(__dirname, '..', '..');
const out = path.join(root, 'wattelt', 'static', 'vendor', 'plotly');
const plotlyDir = path.dirname(require.resolve('plotly.js/package.json'));
const version = require('plotly.js/package.json').version;

function packageOf(file) {
  // The innermost node_modules/<name> (or node_modules/@scope/<name>) folder of a bundled file.
  const parts = file.split('/');
  const at = parts.lastIndexOf('node_modules');
  if (at < 0) return null;
  const name = parts[at + 1].startsWith('@') ? parts.slice(at + 1, at + 3) : [parts[at + 1]];
  return path.join(__dirname, ...parts.slice(0, at + 1), ...name);
}

function licenceText(dir) {
  const names = fs.readdirSync(dir).filter((f) => /^(licen[cs]e|copying)/i.test(f)).sort();
  return names.length ? fs.readFileSync(path.join(dir, names[0]), 'utf8').trim() : null;
}

async function main() {
  fs.mkdirSync(out, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'entry.js')],
    outfile: path.join(out, 'plotly.min.js'),
    bundle: true,
    minify: true,
    format: 'iife',
    globalName: 'Plotly',
    target: 'es2016',
    // As plotly.js's own esbuild-config.js does.
    define: { global: 'window', 'define.amd': 'false' },
    // The only CSS import is maplibre's, for map traces we do not include.
    loader: { '.css': 'empty' },
    legalComments: 'none',
    banner: { js: `/*! plotly.js v${version} (MIT), Wattelt's bundle: scatter, scatterpolar, bar. Licences: LICENSES.txt */` },
    metafile: true,
    logLevel: 'warning',
  });

  fs.copyFileSync(path.join(plotlyDir, 'dist', 'plotly.css'), path.join(out, 'plotly.css'));

  const packages = new Map();
  for (const input of Object.keys(result.metafile.inputs)) {
    const dir = packageOf(input);
    if (dir && !packages.has(dir)) packages.set(dir, require(path.join(dir, 'package.json')));
  }
  const sections = [...packages.entries()]
    .sort((a, b) => a[1].name.localeCompare(b[1].name))
    .map(([dir, meta]) => {
      const text = licenceText(dir) || `(no licence file; package.json says: ${meta.license})`;
      return `${meta.name} ${meta.version} (${meta.license})\n${'-'.repeat(72)}\n${text}\n`;
    });
  fs.writeFileSync(
    path.join(out, 'LICENSES.txt'),
    `Licences of the ${packages.size} packages in plotly.min.js (built by tools/plotly-bundle).\n\n` +
      sections.join('\n')
  );

  const bundle = fs.readFileSync(path.join(out, 'plotly.min.js'));
  const gzip = zlib.gzipSync(bundle, { level: 9 }).length;
  const brotli = zlib.brotliCompressSync(bundle).length;
  const kb = (n) => `${(n / 1024).toFixed(0)} KiB`;
  console.log(
    `plotly.js ${version}: ${packages.size} packages; plotly.min.js ${kb(bundle.length)} ` +
      `(gzip ${kb(gzip)}, brotli ${kb(brotli)})`
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});

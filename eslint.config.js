// ESLint flat config: typescript-eslint (type-aware for async bugs), Vue, and import zones that
// keep each runtime in its folder (VS Code style: who may import whom).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import vueParser from 'vue-eslint-parser';

const NODE_BUILTINS = ['fs', 'path', 'os', 'child_process', 'worker_threads', 'http', 'https', 'net', 'crypto', 'stream', 'zlib', 'url', 'module'];
const nodeImports = ['node:*', ...NODE_BUILTINS, ...NODE_BUILTINS.map((m) => `${m}/*`)];

const zone = (files, patterns, message) => ({
  files,
  rules: { 'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }] },
});

/**
 * The layers of src-main (docs/architecture.md): each folder, and what it may not import. An arrow
 * points down only: app/host/cli → workbench → api → services → domain modules → engine/fs/codecs.
 * Production code never imports testing/ (specs and testing/ itself may).
 */
const UP = {
  workbench: '**/workbench', api: '**/api/*', services: '**/services/*', trainer: '**/trainer/*', pseudo: '**/pseudo/*',
  cli: '**/cli/*', host: '**/host/*', app: '**/app/*', platform: '**/platform/*', runs: '**/runs/*', datasets: '**/datasets/*',
  project: '**/project/*', export: '**/export/*', processes: '**/processes/*', engine: '**/engine/*', weights: '**/weights/*',
};
const above = (...names) => names.map((n) => UP[n]);
const APP_TOP = above('workbench', 'cli', 'host', 'app');
const MAIN_LAYERS = [
  { folder: 'app', forbid: above('cli', 'host'), electron: true },
  { folder: 'preload', forbid: [...APP_TOP, ...above('api', 'services')], electron: true },
  { folder: 'host', forbid: above('cli', 'app') },
  { folder: 'cli', forbid: above('app', 'api') },
  { folder: 'api', forbid: APP_TOP },
  { folder: 'services', forbid: [...APP_TOP, UP.api] },
  { folder: 'trainer', forbid: [...APP_TOP, ...above('api', 'services', 'pseudo')] },
  { folder: 'pseudo', forbid: [...APP_TOP, ...above('api', 'services')] },
  { folder: 'export', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo')] },
  { folder: 'project', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export')] },
  // weights/ (formats, store, download, check) sits on runs/datasets/engine; only the rows above it use it.
  { folder: 'weights', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project')] },
  { folder: 'runs', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'weights')] },
  { folder: 'datasets', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'runs', 'weights')] },
  { folder: 'engine', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'runs', 'datasets', 'platform', 'weights')] },
  // The child-process toolkit: a leaf beside platform/ (which it uses for the app root); no electron.
  { folder: 'processes', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'runs', 'datasets', 'engine', 'weights')] },
  { folder: 'codecs', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'runs', 'datasets', 'platform')] },
  { folder: 'fs', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'runs', 'datasets', 'platform')] },
  { folder: 'platform', forbid: [...APP_TOP, ...above('api', 'services', 'trainer', 'pseudo', 'export', 'project', 'runs', 'datasets')] },
];
const TESTING = '**/testing/*';

/** One no-restricted-imports entry per layer, for production files and for specs (which may use testing/). */
function mainLayerZones() {
  const zones = [];
  for (const { folder, forbid, electron } of MAIN_LAYERS) {
    const base = [...(electron ? [] : ['electron']), '**/src-renderer/**', ...forbid];
    const message = `src-main/${folder} may not import: ${base.join(', ')} (see docs/architecture.md, layers).`;
    zones.push({ ...zone([`src-main/${folder}/**`], [...base, TESTING], `${message} Production code never imports testing/.`), ignores: ['**/*.spec.ts'] });
    // Specs may compose layers (a CLI-equals-app test), but stay off Electron and the renderer.
    zones.push(zone([`src-main/${folder}/**/*.spec.ts`], [...(electron ? [] : ['electron']), '**/src-renderer/**'], message));
  }
  zones.push({ ...zone(['src-main/workbench.ts'], ['electron', '**/src-renderer/**', TESTING, ...above('cli', 'host', 'app')], 'The composition root runs without Electron and imports no testing/ or front.') });
  zones.push(zone(['src-main/testing/**'], ['electron', '**/src-renderer/**'], 'Test helpers run without Electron.'));
  zones.push({ ...zone(['src-renderer/**'], ['electron', ...nodeImports, '@tensorflow/*', 'ws', 'sharp', '**/src-main/**', '**/testing/*'], 'The renderer talks to the main side only through window.api (src-renderer/src/api); production code never imports testing/.'), ignores: ['**/*.spec.ts', '**/*.test.ts', 'src-renderer/src/testing/**'] });
  return zones;
}

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'resources/**', 'test-results/**', 'artifacts/**', 'bench/**', '**/*.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.ts', '**/*.vue'],
    languageOptions: {
      parser: vueParser,
      parserOptions: {
        parser: tseslint.parser,
        projectService: true,
        extraFileExtensions: ['.vue'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', __dirname: 'readonly' } },
  },
  {
    // Async bugs: a promise returned from inside try/finally must be awaited, or the finally block
    // (e.g. disposing the batch) runs before the work is done.
    files: ['src-main/**/*.ts'],
    rules: { '@typescript-eslint/return-await': ['error', 'in-try-catch'] },
  },
  {
    // The webgpu backend cannot read tensor data synchronously (DESIGN §3): dataSync() throws in
    // Node and returns zeros in Chromium. Production code reads with `await t.data()` (engine/read.ts).
    files: ['src-main/**/*.ts'],
    ignores: ['**/*.spec.ts', 'src-main/testing/**'],
    rules: {
      'no-restricted-syntax': [
        'error',
        {
          selector: 'MemberExpression[property.name=/^(dataSync|arraySync|bufferSync)$/]',
          message: 'No synchronous tensor reads on the main side (webgpu cannot do them): use `await t.data()` or the helpers in src-main/engine/read.ts.',
        },
      ],
    },
  },
  zone(
    ['src-shared/**'],
    ['electron', ...nodeImports, '@tensorflow/*', 'vue', 'pinia', 'konva', 'ws', 'sharp', '**/src-main/**', '**/src-renderer/**'],
    'src-shared is pure TypeScript: no electron, node, DOM libraries, tfjs or app folders.',
  ),
  ...mainLayerZones(),
);

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
  zone(
    ['src-shared/**'],
    ['electron', ...nodeImports, '@tensorflow/*', 'vue', 'pinia', 'konva', 'ws', 'sharp', '**/src-main/**', '**/src-renderer/**'],
    'src-shared is pure TypeScript: no electron, node, DOM libraries, tfjs or app folders.',
  ),
  zone(
    ['src-renderer/**'],
    ['electron', ...nodeImports, '@tensorflow/*', 'ws', 'sharp', '**/src-main/**'],
    'The renderer talks to the main side only through window.api (src-renderer/src/api).',
  ),
  zone(
    ['src-main/engine/**', 'src-main/fs/**', 'src-main/pseudo/**', 'src-main/export/**', 'src-main/services/**', 'src-main/datasets/**', 'src-main/codecs/**', 'src-main/project/**', 'src-main/trainer/**', 'src-main/runs/**', 'src-main/cli/**', 'src-main/host/**'],
    ['electron', '**/src-renderer/**'],
    'Services, engine, host and CLI run without Electron: keep electron imports in src-main/app, ipc/register-electron and preload.',
  ),
);

// ESLint 9 flat config for the web UI (run by `npm run lint`, ctest web.lint).
// TypeScript rules from typescript-eslint, React's rules of hooks (and the React
// Compiler checks that come with eslint-plugin-react-hooks 7). Formatting is Prettier's
// job, not ESLint's.
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'src/api/schema.d.ts'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['src/**/*.{ts,tsx}'],
    languageOptions: { globals: globals.browser },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      // An unused name is an error unless it says it is unused on purpose.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The tool configs run in Node.
    files: ['*.{js,ts}'],
    languageOptions: { globals: globals.node },
  },
  {
    // The end-to-end scripts run in Node, and the functions they hand to page.evaluate()
    // run in the browser.
    files: ['e2e/**/*.mjs'],
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
  },
);

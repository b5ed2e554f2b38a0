// ESLint (flat config): typescript-eslint's recommended rules on every TypeScript source; Prettier owns
// the layout, so no stylistic rule is set here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', 'reports/', '.synapse/', '.dendrite/', 'coverage/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    // A rule is kept or changed here, for everyone, never switched off in a comment.
    linterOptions: { noInlineConfig: true, reportUnusedDisableDirectives: 'error' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);

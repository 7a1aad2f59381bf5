import tseslint from 'typescript-eslint';
import { configs as litConfigs } from 'eslint-plugin-lit';

export default tseslint.config(
  { ignores: ['dist/', 'dist-cli/', 'node_modules/', 'custom-elements.json', 'bench-results/'] },
  ...tseslint.configs.recommended,
  litConfigs['flat/recommended'],
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      'no-restricted-syntax': ['error', {
        selector: "CallExpression[callee.object.name=/^(describe|it|test|suite)$/][callee.property.name='only']",
        message: 'Focused tests (.only) must not be committed.',
      }],
    },
  },
);

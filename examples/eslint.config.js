import js from '@eslint/js'

export default [
  js.configs.recommended,
  {
    languageOptions: {
      ecmaVersion: 2024,
      sourceType: 'module',
      globals: { console: 'readonly', process: 'readonly', performance: 'readonly', fetch: 'readonly' }
    },
    rules: { 'prefer-const': 'warn', eqeqeq: 'error' }
  }
]

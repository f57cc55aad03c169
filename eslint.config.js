import reactHooks from "eslint-plugin-react-hooks";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["build/", "public/build/", "public/vendor/", "node_modules/", "data/", ".cache/"] },
  ...tseslint.configs.recommended,
  {
    files: ["**/*.{ts,tsx}"],
    plugins: { "react-hooks": reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: ["knex", "pg", "@electric-sql/*"],
              allowTypeImports: true,
              message: "Database code belongs in *.server.ts modules.",
            },
          ],
        },
      ],
    },
  },
  {
    files: ["**/*.server.ts", "**/*.server.tsx", "db/**", "scripts/**", "tests/**", "*.config.ts"],
    rules: { "no-restricted-imports": "off" },
  },
  {
    // test helpers named use… are vitest lifecycle helpers, not React hooks
    files: ["**/*.test.ts", "tests/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
);

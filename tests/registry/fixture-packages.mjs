// The fixture ecosystem the integration tests publish to their own Verdaccio:
// a small Backstage world with the shapes the indexer must handle.
//
//   todo            a plugin with frontend, backend and common packages
//                   (pluginId + pluginPackages), a backend module
//                   (pluginPackage, peerModules), a legacy backend version
//                   (backend-common) and a new-backend-system version
//   core/backend    libraries that are not plugins (pluginId absent)
//   old-thing       a package that moved to @backstage-community (`moved`,
//                   deprecated) and its successor
//   legacy-widget   a 2021-style package without a `backstage` field whose
//                   dependency does not exist in the registry (a 404)
//   private         a package in a scope that needs a token
//
// Seeds for a full crawl: the names in `seeds`; everything else is found by
// following links. `expectedPackages` is what a complete index stores.

export const privateScope = '@private-fixture';

const bs = (role, extra = {}) => ({ backstage: { role, ...extra } });

export const fixturePackages = [
  { name: '@backstage/core-plugin-api', version: '1.9.0', description: 'Core API used by Backstage plugins',
    ...bs('web-library'), license: 'Apache-2.0', keywords: ['backstage'] },
  { name: '@backstage/core-plugin-api', version: '1.10.0', description: 'Core API used by Backstage plugins',
    ...bs('web-library'), license: 'Apache-2.0', keywords: ['backstage'] },
  { name: '@backstage/backend-plugin-api', version: '0.9.0', description: 'Core API used by Backstage backend plugins',
    ...bs('node-library'), license: 'Apache-2.0' },
  { name: '@backstage/backend-plugin-api', version: '1.0.0', description: 'Core API used by Backstage backend plugins',
    ...bs('node-library'), license: 'Apache-2.0' },
  { name: '@backstage/backend-common', version: '0.25.0', description: 'Common functionality library for Backstage backends',
    ...bs('node-library'), license: 'Apache-2.0',
    deprecated: 'Use @backstage/backend-plugin-api and @backstage/backend-defaults instead' },

  { name: '@backstage/plugin-todo-common', version: '1.0.0', description: 'Common types for the todo plugin',
    ...bs('common-library', { pluginId: 'todo', pluginPackages: ['@backstage/plugin-todo', '@backstage/plugin-todo-backend', '@backstage/plugin-todo-common'] }),
    license: 'Apache-2.0' },
  { name: '@backstage/plugin-todo', version: '0.1.0', description: 'Browse TODO comments in your source code',
    ...bs('frontend-plugin', { pluginId: 'todo', pluginPackages: ['@backstage/plugin-todo', '@backstage/plugin-todo-backend', '@backstage/plugin-todo-common'] }),
    dependencies: { '@backstage/core-plugin-api': '^1.9.0' }, peerDependencies: { react: '^16.13.1 || ^17.0.0 || ^18.0.0' },
    license: 'Apache-2.0', keywords: ['backstage', 'todo', 'comments'] },
  { name: '@backstage/plugin-todo', version: '0.2.0', description: 'Browse TODO comments in your source code',
    ...bs('frontend-plugin', { pluginId: 'todo', pluginPackages: ['@backstage/plugin-todo', '@backstage/plugin-todo-backend', '@backstage/plugin-todo-common'] }),
    dependencies: { '@backstage/core-plugin-api': '^1.9.0', '@backstage/plugin-todo-common': '^1.0.0' },
    peerDependencies: { react: '^16.13.1 || ^17.0.0 || ^18.0.0' }, license: 'Apache-2.0', keywords: ['backstage', 'todo', 'comments'] },
  { name: '@backstage/plugin-todo', version: '1.0.0', description: 'Browse TODO comments in your source code',
    ...bs('frontend-plugin', { pluginId: 'todo', pluginPackages: ['@backstage/plugin-todo', '@backstage/plugin-todo-backend', '@backstage/plugin-todo-common'] }),
    dependencies: { '@backstage/core-plugin-api': '^1.10.0', '@backstage/plugin-todo-common': '^1.0.0' },
    peerDependencies: { react: '^16.13.1 || ^17.0.0 || ^18.0.0' }, license: 'Apache-2.0', keywords: ['backstage', 'todo', 'comments'] },
  { name: '@backstage/plugin-todo-backend', version: '0.1.0', description: 'Backend for the todo plugin',
    ...bs('backend-plugin', { pluginId: 'todo', pluginPackages: ['@backstage/plugin-todo', '@backstage/plugin-todo-backend', '@backstage/plugin-todo-common'] }),
    dependencies: { '@backstage/backend-common': '^0.25.0', '@backstage/plugin-todo-common': '^1.0.0' }, license: 'Apache-2.0',
    // Metadata that reads legacy (backend-common, no features) over code
    // already on the new backend system: verify and scan both say so.
    main: 'dist/index.cjs.js',
    _files: { 'dist/index.cjs.js': "'use strict';\nObject.defineProperty(exports, '__esModule', { value: true });\n" +
      "var backendPluginApi = require('@backstage/backend-plugin-api');\n" +
      "const todoPlugin = backendPluginApi.createBackendPlugin({ pluginId: 'todo', register(env) {} });\n" +
      'exports.default = todoPlugin;\n' } },
  { name: '@backstage/plugin-todo-backend', version: '1.0.0', description: 'Backend for the todo plugin',
    backstage: { role: 'backend-plugin', pluginId: 'todo',
      pluginPackages: ['@backstage/plugin-todo', '@backstage/plugin-todo-backend', '@backstage/plugin-todo-common'],
      peerModules: ['@backstage/plugin-todo-backend-module-jira'], features: { '.': '@backstage/BackendFeature' } },
    dependencies: { '@backstage/backend-plugin-api': '^1.0.0', '@backstage/plugin-todo-common': '^1.0.0' }, license: 'Apache-2.0' },
  { name: '@backstage/plugin-todo-backend-module-jira', version: '1.0.0', description: 'Reads TODOs from Jira issues',
    backstage: { role: 'backend-plugin-module', pluginId: 'todo', pluginPackage: '@backstage/plugin-todo-backend',
      features: { '.': '@backstage/BackendFeature' } },
    dependencies: { '@backstage/backend-plugin-api': '^1.0.0' }, license: 'Apache-2.0' },

  { name: '@backstage/plugin-old-thing', version: '1.0.0', description: 'Shows old things',
    ...bs('frontend-plugin', { pluginId: 'old-thing', moved: '@backstage-community/plugin-old-thing' }),
    dependencies: { '@backstage/core-plugin-api': '^1.9.0' }, license: 'Apache-2.0',
    deprecated: 'This package has moved to @backstage-community/plugin-old-thing' },
  { name: '@backstage-community/plugin-old-thing', version: '2.0.0', description: 'Shows old things, now maintained by the community',
    ...bs('frontend-plugin', { pluginId: 'old-thing', pluginPackages: ['@backstage-community/plugin-old-thing'] }),
    dependencies: { '@backstage/core-plugin-api': '^1.10.0' }, license: 'Apache-2.0', keywords: ['backstage', 'legacy'] },

  { name: '@roadiehq/backstage-plugin-legacy-widget', version: '0.0.1', description: 'A widget from 2021 without metadata',
    scripts: { start: 'backstage-cli plugin:serve', build: 'backstage-cli plugin:build' },
    main: 'dist/index.esm.js', types: 'dist/index.d.ts',
    dependencies: { '@backstage/core-plugin-api': '^1.9.0', '@backstage/plugin-missing': '^1.0.0' }, license: 'MIT' },

  { name: `${privateScope}/backstage-plugin-secret`, version: '1.0.0', description: 'A private vendor plugin',
    ...bs('frontend-plugin', { pluginId: 'secret' }), dependencies: { '@backstage/core-plugin-api': '^1.10.0' },
    license: 'UNLICENSED' },
];

export const seeds = ['@backstage/plugin-todo', '@backstage/plugin-old-thing', '@roadiehq/backstage-plugin-legacy-widget'];

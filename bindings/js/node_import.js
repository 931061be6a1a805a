// Imports a module that only Node has (the optional peers `ws` and `eventsource`).
// The name is a parameter and the magic comments survive minification, so
// bundlers (webpack, esbuild, Vite) leave the import to Node instead of trying
// to bundle it into a browser build, where it is never called.
export const importNodeOnly = (name) => import(/* webpackIgnore: true */ /* @vite-ignore */ name);

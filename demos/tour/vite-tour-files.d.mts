import type { Plugin } from 'vite';

/** Copies demos/tour/tour.js and demos/tour/data/*.json beside the tour page of the build. */
export function tourFiles(): Plugin;

import type { Plugin, Connect } from 'vite';
import type { Middleware } from '@web/dev-server-core';
export const MNIST_FILES: readonly string[];
export function mnistDataDir(): string;
export function mnistMiddleware(dir?: string): Connect.NextHandleFunction;
export function mnistKoaMiddleware(dir?: string): Middleware;
export function mnist(): Plugin;

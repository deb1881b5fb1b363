import { useEffect, useState } from 'react';
import type { ServiceStatus } from '../../api/types';

/** One poll: when, and how many instances of each service were ready. */
export interface ReadyPoint {
  at: number;
  ready: Record<string, number>;
}

/** 10 minutes of 3-second polls. */
export const HISTORY_LIMIT = 200;

// Kept for the page's lifetime, so leaving the dashboard and coming back keeps the chart.
let history: ReadyPoint[] = [];

export function readyCount(service: ServiceStatus): number {
  return service.instances.filter((instance) => instance.status === 'ready').length;
}

export function appendPoint(points: ReadyPoint[], services: ServiceStatus[], at: number): ReadyPoint[] {
  if (points.at(-1)?.at === at) return points;
  const ready = Object.fromEntries(services.map((service) => [service.name, readyCount(service)]));
  return [...points, { at, ready }].slice(-HISTORY_LIMIT);
}

/** The polling history of ready instances, one point per successful poll (`dataUpdatedAt`). */
export function useReadyHistory(services: ServiceStatus[] | undefined, updatedAt: number): ReadyPoint[] {
  const [points, setPoints] = useState(history);
  useEffect(() => {
    if (!services || updatedAt === 0) return;
    history = appendPoint(history, services, updatedAt);
    setPoints(history);
  }, [services, updatedAt]);
  return points;
}

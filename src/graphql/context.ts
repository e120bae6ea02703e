import { DataSource } from "typeorm";
import { Viewer } from "../auth/viewer";
import { CloudProvider } from "../services/cloud-provider";
import { Loaders } from "./loaders";
import { createResolutionLoader, ResolutionLoader } from "./resolution-loader";

/** What every resolver of one request shares: who asks, and the request's loaders. */
export interface Context {
  /** The authenticated caller. */
  viewer: Viewer;
  /** The caller's account: every read and write is confined to it. */
  accountId: string;
  dataSource: DataSource;
  loaders: Loaders;
  resolutions: ResolutionLoader;
  /** Run once the response is sent: releases what the request held beyond its resolvers (see runMutation). */
  afterResponse: (() => Promise<void>)[];
  provider: CloudProvider;
}

export function createContext(dataSource: DataSource, viewer: Viewer, provider: CloudProvider): Context {
  const { accountId } = viewer;
  const loaders = new Loaders(dataSource, accountId);
  return { viewer, accountId, dataSource, loaders, resolutions: createResolutionLoader(loaders), provider, afterResponse: [] };
}

import DataLoader from "dataloader";
import { DataSource } from "typeorm";
import { Launchable } from "../entities/launchable";
import { CloudProvider } from "../services/cloud-provider";
import { Loaders } from "./loaders";
import { createResolutionLoader, Resolution } from "./resolution-loader";

/** What every resolver of one request shares: who asks, and the request's loaders. */
export interface Context {
  accountId: string;
  dataSource: DataSource;
  loaders: Loaders;
  resolutions: DataLoader<Launchable, Resolution, string>;
  provider: CloudProvider;
}

export function createContext(dataSource: DataSource, accountId: string, provider: CloudProvider): Context {
  const loaders = new Loaders(dataSource, accountId);
  return { accountId, dataSource, loaders, resolutions: createResolutionLoader(loaders), provider };
}

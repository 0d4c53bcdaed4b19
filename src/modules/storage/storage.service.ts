import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '../../config/env';
import { StorageRepository, TableStorage } from './storage.repository';

/** Sizes are read from the catalogue at most once a second, however many scrapes and requests ask. */
const CACHE_MS = 1_000;

@Injectable()
export class StorageService {
  private cached: { at: number; tables: Promise<TableStorage[]> } | null = null;

  constructor(
    private readonly storage: StorageRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  tables(): Promise<TableStorage[]> {
    // Real time, not the Clock: this is a cache lifetime, not a rule.
    const now = Date.now();
    if (!this.cached || now - this.cached.at > CACHE_MS) {
      const tables = this.storage.tables();
      this.cached = { at: now, tables };
      tables.catch(() => (this.cached = null));
    }
    return this.cached.tables;
  }

  retention(): AppConfig['retention'] {
    return this.config.retention;
  }
}

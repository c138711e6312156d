// The part of autocannon's API the benchmark uses (the package ships no types; @types/autocannon
// is not in the catalog and this is all we need).
declare module 'autocannon' {
  namespace autocannon {
    interface Request {
      method?: string;
      path?: string;
      headers?: Record<string, string>;
      body?: string;
      setupRequest?: (request: Request) => Request;
    }
    interface Options {
      url: string;
      connections?: number;
      pipelining?: number;
      /** Requests per second across all connections (open loop); unset: as fast as answers come. */
      overallRate?: number;
      duration?: number;
      method?: string;
      headers?: Record<string, string>;
      body?: string;
      requests?: Request[];
    }
    interface Histogram {
      average: number;
      max: number;
      p50: number;
      p90: number;
      p99: number;
    }
    interface Result {
      latency: Histogram;
      requests: Histogram & { total: number };
      non2xx: number;
      errors: number;
    }
  }
  function autocannon(options: autocannon.Options): Promise<autocannon.Result>;
  export = autocannon;
}

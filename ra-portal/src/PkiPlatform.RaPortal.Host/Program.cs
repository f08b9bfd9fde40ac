using PkiPlatform.ServiceDefaults;

// The RA host runs inside `pki up`; a stand-alone deployment entry point follows with the portal pages.
ServiceDefaultsExtensions.CreateBootstrapLogger();
Console.Error.WriteLine("Run the RA through `pki up` for now; see README.md.");
return 2;

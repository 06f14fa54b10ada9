using Microsoft.Extensions.DependencyInjection;

namespace DirectUpload.Internal;

/// <summary>
/// The service collection DirectUpload was added to, kept (as the singleton that also marks "added once") so that a
/// caller holding the built provider can ask how a service ended up registered. The collection is the host's own
/// object: what the host registers after <c>AddDirectUploads</c> is in it too.
/// </summary>
internal sealed class ServiceRegistrations
{
    private readonly IServiceCollection _services;

    public ServiceRegistrations(IServiceCollection services)
    {
        _services = services;
    }

    /// <summary>
    /// Whether the last registration of <paramref name="serviceType"/> (not keyed), the one
    /// Microsoft.Extensions.DependencyInjection resolves, is a singleton: one instance shared by the application and
    /// every scope, which a caller may then resolve once from the root provider instead of from each request's scope.
    /// Meaningful only for a provider that container built from this collection: another container may add
    /// registrations of its own, so the caller checks which provider it holds.
    /// </summary>
    public bool IsSingleton(Type serviceType)
    {
        for (var i = _services.Count - 1; i >= 0; i--)
        {
            var descriptor = _services[i];
            if (descriptor.ServiceType == serviceType && !descriptor.IsKeyedService)
            {
                return descriptor.Lifetime == ServiceLifetime.Singleton;
            }
        }

        return false;
    }
}

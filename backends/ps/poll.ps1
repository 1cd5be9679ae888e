# One poll of a Hyper-V host: its identity and every VM, in one call.
# Enums are turned into their names here, on the host: their numbers
# differ between Windows versions. Sizes are bytes, Uptime is seconds.
param($p)

$os = Get-CimInstance -ClassName Win32_OperatingSystem
$vmhost = Get-VMHost

# Guest OS as the guests report it through the KVP exchange, one CIM
# enumeration for all VMs, keyed by VM id.
$kvp = @{}
$ns = 'root\virtualization\v2'
foreach ($k in @(Get-CimInstance -Namespace $ns -ClassName Msvm_KvpExchangeComponent)) {
    $items = @{}
    foreach ($item in @($k.GuestIntrinsicExchangeItems)) {
        if (-not $item) { continue }
        $x = [xml]$item
        $name = ($x.INSTANCE.PROPERTY | Where-Object { $_.NAME -eq 'Name' }).VALUE
        $data = ($x.INSTANCE.PROPERTY | Where-Object { $_.NAME -eq 'Data' }).VALUE
        if ($name) { $items[$name] = $data }
    }
    $kvp[([string]$k.SystemName).ToUpperInvariant()] = $items
}

$vms = @(Get-VM | ForEach-Object {
    $id = ([string]$_.Id).ToLowerInvariant()
    $guest = $kvp[$id.ToUpperInvariant()]
    [ordered]@{
        Id                       = $id
        Name                     = $_.Name
        State                    = [string]$_.State
        Status                   = [string]$_.Status
        CPUUsage                 = $_.CPUUsage
        ProcessorCount           = $_.ProcessorCount
        MemoryAssigned           = $_.MemoryAssigned
        MemoryDemand             = $_.MemoryDemand
        MemoryStartup            = $_.MemoryStartup
        UptimeSeconds            = [int64]$_.Uptime.TotalSeconds
        Heartbeat                = [string]$_.Heartbeat
        Generation               = $_.Generation
        Version                  = [string]$_.Version
        IntegrationServicesState = [string]$_.IntegrationServicesState
        KVP                      = $guest
    }
})

[ordered]@{
    host = [ordered]@{
        ComputerName          = $env:COMPUTERNAME
        Caption               = $os.Caption
        Version               = $os.Version
        BuildNumber           = $os.BuildNumber
        ProductType           = $os.ProductType
        LogicalProcessorCount = $vmhost.LogicalProcessorCount
        TotalMemoryBytes      = [int64]$os.TotalVisibleMemorySize * 1024
    }
    vms  = $vms
}

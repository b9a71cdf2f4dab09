-- Shaped like WideWorldImporters: sequences, a temporal table, a filtered index, a computed column.
CREATE SEQUENCE [Sequences].[CustomerID] AS [int] START WITH 1 INCREMENT BY 1;
GO
CREATE TABLE [Sales].[Customers](
	[CustomerID] [int] NOT NULL CONSTRAINT [DF_Sales_Customers_CustomerID] DEFAULT (NEXT VALUE FOR [Sequences].[CustomerID]),
	[CustomerName] [nvarchar](100) NOT NULL,
	[CreditLimit] [decimal](18, 2) NULL,
	[AccountOpenedDate] [date] NOT NULL,
	[StandardDiscountPercentage] [decimal](18, 3) NOT NULL,
	[IsOnCreditHold] [bit] NOT NULL,
	[PhoneNumber] [nvarchar](20) NOT NULL,
	[WebsiteURL] [nvarchar](256) NOT NULL,
	[DeliveryLocation] [geography] NULL,
	[ValidFrom] [datetime2](7) GENERATED ALWAYS AS ROW START NOT NULL,
	[ValidTo] [datetime2](7) GENERATED ALWAYS AS ROW END NOT NULL,
	CONSTRAINT [PK_Sales_Customers] PRIMARY KEY CLUSTERED ([CustomerID] ASC),
	CONSTRAINT [UQ_Sales_Customers_CustomerName] UNIQUE NONCLUSTERED ([CustomerName] ASC),
	PERIOD FOR SYSTEM_TIME ([ValidFrom], [ValidTo])
) ON [USERDATA] TEXTIMAGE_ON [USERDATA]
WITH (SYSTEM_VERSIONING = ON (HISTORY_TABLE = [Sales].[Customers_Archive]))
GO
CREATE TABLE [Sales].[OrderLines](
	[OrderLineID] [int] NOT NULL,
	[OrderID] [int] NOT NULL,
	[Description] [nvarchar](100) NOT NULL,
	[Quantity] [int] NOT NULL,
	[UnitPrice] [decimal](18, 2) NULL,
	[TaxRate] [decimal](18, 3) NOT NULL,
	[PickedQuantity] [int] NOT NULL,
	[PickingCompletedWhen] [datetime2](7) NULL,
	[ExtendedPrice] AS (CONVERT([decimal](18,2),[Quantity]*[UnitPrice]*(1+[TaxRate]/100))),
	[LastEditedWhen] [datetime2](7) NOT NULL CONSTRAINT [DF_Sales_OrderLines_LastEditedWhen] DEFAULT (sysdatetime()),
	CONSTRAINT [PK_Sales_OrderLines] PRIMARY KEY CLUSTERED ([OrderLineID] ASC)
)
GO
CREATE NONCLUSTERED INDEX [IX_Sales_OrderLines_Perf_20160301_01] ON [Sales].[OrderLines] ([PickingCompletedWhen] ASC, [OrderID] ASC)
INCLUDE ([OrderLineID], [Quantity]) WHERE ([PickingCompletedWhen] IS NULL) ON [USERDATA]
GO
CREATE UNIQUE NONCLUSTERED INDEX [UX_Sales_OrderLines_Open] ON [Sales].[OrderLines] ([OrderID]) WHERE ([PickedQuantity] = 0)
GO
ALTER TABLE [Sales].[OrderLines] WITH CHECK ADD CONSTRAINT [CK_Sales_OrderLines_Quantity] CHECK (([Quantity] > (0)))
GO
ALTER TABLE [Sales].[OrderLines] WITH CHECK ADD CONSTRAINT [FK_Sales_OrderLines_OrderID] FOREIGN KEY([OrderID]) REFERENCES [Sales].[Orders] ([OrderID])
GO
CREATE PROCEDURE [Website].[SearchForCustomers]
@SearchText nvarchar(1000),
@MaximumRowsToReturn int
AS
BEGIN
    SET NOCOUNT ON;
    SELECT TOP(@MaximumRowsToReturn) c.CustomerID FROM Sales.Customers AS c WHERE c.CustomerName LIKE N'%' + @SearchText + N'%';
END;
GO
